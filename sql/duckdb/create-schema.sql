-- floe's schema, when missing. {{schema}} is the quoted schema name.
CREATE SCHEMA IF NOT EXISTS {{schema}}

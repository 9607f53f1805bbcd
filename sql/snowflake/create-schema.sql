-- Only run when INFORMATION_SCHEMA.SCHEMATA does not list the schema: CREATE SCHEMA IF NOT EXISTS
-- needs the CREATE SCHEMA privilege even when the schema exists (003001).
CREATE SCHEMA IF NOT EXISTS {{schema}}

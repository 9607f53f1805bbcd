-- floe's named internal stage (only when INFORMATION_SCHEMA.STAGES does not list it). No
-- properties: COPY names its file format.
CREATE STAGE IF NOT EXISTS {{stage}}

ALTER TABLE {{loads}} ADD COLUMN write_disposition VARCHAR DEFAULT ''

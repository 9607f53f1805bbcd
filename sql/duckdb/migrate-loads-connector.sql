-- Ledgers from before floe keyed loads by connector: '' matches any connector (run ids are unique).
ALTER TABLE {{loads}} ADD COLUMN connector VARCHAR DEFAULT ''

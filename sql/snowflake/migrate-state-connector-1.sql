-- State from before floe keyed it by connector: connector '' until a connector reads (adopts) it.
ALTER TABLE {{state}} ADD COLUMN "CONNECTOR" VARCHAR

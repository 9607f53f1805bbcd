DROP TABLE {{state}}

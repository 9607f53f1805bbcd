ALTER TABLE {{state_next}} RENAME TO {{state_name}}

INSERT INTO {{state_next}} SELECT '', endpoint, state, run_id, updated_at FROM {{state}}

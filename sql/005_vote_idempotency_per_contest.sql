-- An Idempotency-Key names one vote of one user in one contest: the same key sent to another
-- contest is a different request, not a retry.
ALTER TABLE contest_votes
    DROP INDEX uq_votes_idempotency,
    ADD UNIQUE KEY uq_votes_idempotency (user_id, contest_id, idempotency_key);

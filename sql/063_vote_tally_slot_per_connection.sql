-- A vote's tally slot is now its connection's (CONNECTION_ID() mod 64) instead of a random one.
-- Each app connection then counts in a row of its own: parallel votes of one process never wait
-- on each other's slot, and the many votes of one group commit (store/vote_batch.c) take one
-- row lock per project instead of one per vote, so two batches written at once cannot deadlock
-- on slots taken in opposite orders. The slot count stays SS_TALLY_SLOTS (src/domain/contest.h);
-- `sanshe ctl recount` rebuilds the slots from the stored votes, as before.
DROP TRIGGER IF EXISTS contest_votes_tally;
DELIMITER //
CREATE TRIGGER contest_votes_tally AFTER INSERT ON contest_votes FOR EACH ROW
BEGIN
    INSERT INTO contest_tally_slots (project_id, slot, votes) VALUES (NEW.project_id, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE votes = votes + 1;
END//
DELIMITER ;

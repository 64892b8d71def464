-- A stored vote is counted in one of its project's 64 tally slots (SS_TALLY_SLOTS in
-- src/domain/contest.h) by this trigger, inside the INSERT of the vote itself: the count and
-- the vote commit or roll back together, as before, and a vote costs one round trip less (it
-- used to be a second statement from the app). The slot is random, so parallel votes for one
-- hot project rarely wait on the same row lock. Row-based replication carries the slot's
-- update to the other Galera nodes as it is; the trigger does not fire again there.
-- `sanshe ctl recount` rebuilds the slots from the stored votes, as before.
DELIMITER //
CREATE TRIGGER IF NOT EXISTS contest_votes_tally AFTER INSERT ON contest_votes FOR EACH ROW
BEGIN
    INSERT INTO contest_tally_slots (project_id, slot, votes) VALUES (NEW.project_id, FLOOR(RAND() * 64), 1)
        ON DUPLICATE KEY UPDATE votes = votes + 1;
END//
DELIMITER ;

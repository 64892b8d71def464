-- WeChat's openid and unionid are case-sensitive identifiers: two people whose openids differ
-- only in letter case are two people. Under the table's case-insensitive collation the unique
-- key made them one account, so both columns now compare byte for byte. (No two stored ids can
-- clash in the new collation: the old one already held them apart.) NO PAD: "abc " is not "abc".
ALTER TABLE users
    MODIFY openid VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY unionid VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL;

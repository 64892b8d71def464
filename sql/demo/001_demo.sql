-- Demo data for the dev stack (loaded once by `./sanshe up`, never by tests' own fixtures).
INSERT INTO communities (name, street, district, kind, created_at) VALUES
    ('玉林社区', '玉林街道', '武侯区', 'urban', UTC_TIMESTAMP()),
    ('簇桥社区', '簇桥街道', '武侯区', 'urban', UTC_TIMESTAMP()),
    ('金花村', '金花桥街道', '武侯区', 'rural', UTC_TIMESTAMP());
INSERT INTO users (openid, unionid, nickname, created_at) VALUES
    ('demo-admin', 'u_demo-admin', '民政局管理员', UTC_TIMESTAMP()),
    ('demo-resident', 'u_demo-resident', '张阿姨', UTC_TIMESTAMP());
INSERT INTO user_roles (user_id, role, community_id, granted_at)
    SELECT id, 'admin', 0, UTC_TIMESTAMP() FROM users WHERE openid = 'demo-admin';

-- Demo organizations, members, activities and a contest for the dev stack, so a new
-- engineer sees a populated community at once. Times are relative to when the demo loads.
INSERT INTO users (openid, unionid, nickname, created_at) VALUES
    ('demo-leader', 'u_demo-leader', '王队长', UTC_TIMESTAMP()),
    ('demo-socialworker', 'u_demo-socialworker', '李社工', UTC_TIMESTAMP());

INSERT INTO organizations (name, community_id, kind, stage, status, summary, filed_by, created_at, decided_at)
SELECT '玉林邻里互助会', c.id, 'association', 'growing', 'filed', '为社区长者提供陪伴、代购和助餐服务。',
       u.id, UTC_TIMESTAMP(), UTC_TIMESTAMP()
FROM communities c, users u WHERE c.name = '玉林社区' AND u.openid = 'demo-leader';
INSERT INTO organizations (name, community_id, kind, stage, status, summary, filed_by, created_at)
SELECT '金花村文艺队', c.id, 'association', 'startup', 'pending', '村里的广场舞和川剧爱好者。',
       u.id, UTC_TIMESTAMP()
FROM communities c, users u WHERE c.name = '金花村' AND u.openid = 'demo-resident';

INSERT INTO org_members (org_id, user_id, role, added_by, added_at)
SELECT o.id, u.id, 'leader', u.id, UTC_TIMESTAMP()
FROM organizations o, users u WHERE o.name = '玉林邻里互助会' AND u.openid = 'demo-leader';
INSERT INTO org_members (org_id, user_id, role, added_by, added_at)
SELECT o.id, s.id, 'social_worker', l.id, UTC_TIMESTAMP()
FROM organizations o, users s, users l
WHERE o.name = '玉林邻里互助会' AND s.openid = 'demo-socialworker' AND l.openid = 'demo-leader';

INSERT INTO activities (org_id, title, description, category, starts_at, ends_at, capacity, walk_in,
                        service_minutes, location_name, lat, lng, radius_m, status, created_by, created_at, published_at)
SELECT o.id, t.title, t.description, t.category, UTC_TIMESTAMP() + INTERVAL t.start_h HOUR,
       UTC_TIMESTAMP() + INTERVAL (t.start_h + 2) HOUR, t.capacity, t.walk_in, 120, t.place, 30.641900, 104.043300,
       300, 'published', o.filed_by, UTC_TIMESTAMP(), UTC_TIMESTAMP()
FROM organizations o,
     (SELECT '长者陪伴午餐' AS title, '陪社区独居长者吃午饭、聊聊天。' AS description, 'relief' AS category,
             24 AS start_h, 10 AS capacity, 0 AS walk_in, '玉林社区食堂' AS place
      UNION ALL SELECT '楼栋安全巡查', '检查消防通道和电动车充电隐患。', 'safety', 48, 6, 1, '玉林北路 12 号'
      UNION ALL SELECT '社区议事会：加装电梯', '居民一起商量老旧小区加装电梯的方案。', 'consultation', 72, 40, 1, '社区党群服务中心'
      UNION ALL SELECT '川剧变脸体验', '邀请川剧艺人为孩子们表演并讲解。', 'culture', 96, 30, 0, '玉林社区广场') t
WHERE o.name = '玉林邻里互助会';

INSERT INTO contests (title, community_id, budget_cents, votes_per_user_per_day, submit_until, vote_from,
                      vote_until, created_by, created_at)
SELECT '2026 玉林社区微公益创投', c.id, 5000000, 3, UTC_TIMESTAMP() + INTERVAL 7 DAY, UTC_TIMESTAMP(),
       UTC_TIMESTAMP() + INTERVAL 30 DAY, u.id, UTC_TIMESTAMP()
FROM communities c, users u WHERE c.name = '玉林社区' AND u.openid = 'demo-admin';
INSERT INTO contest_projects (contest_id, org_id, title, summary, budget_cents, status, submitted_by, created_at,
                              decided_at)
SELECT k.id, o.id, p.title, p.summary, p.budget, 'approved', o.filed_by, UTC_TIMESTAMP(), UTC_TIMESTAMP()
FROM contests k, organizations o,
     (SELECT '长者助餐点' AS title, '在社区食堂为 80 岁以上长者提供午餐。' AS summary, 2000000 AS budget
      UNION ALL SELECT '儿童四点半课堂', '放学后为双职工家庭的孩子提供作业辅导。', 1500000) p
WHERE k.title = '2026 玉林社区微公益创投' AND o.name = '玉林邻里互助会';
INSERT INTO contest_tally_slots (project_id, slot, votes)
SELECT p.id, 0, 0 FROM contest_projects p JOIN contests k ON k.id = p.contest_id
WHERE k.title = '2026 玉林社区微公益创投';

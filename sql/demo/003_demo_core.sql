-- Demo data of the 三社联动 core: residents' needs with support, a service project answering
-- one (approved and under way, with a resource matched and an activity of it held last week,
-- checked in and rated), and two consultations of 玉林社区 (one deliberating with ballots and
-- comments, one decided and publicized). Residents 张阿姨 and three neighbours live in 玉林社区.
INSERT INTO users (openid, unionid, nickname, created_at) VALUES
    ('demo-neighbour-1', 'u_demo-neighbour-1', '刘大爷', UTC_TIMESTAMP()),
    ('demo-neighbour-2', 'u_demo-neighbour-2', '陈姐', UTC_TIMESTAMP()),
    ('demo-neighbour-3', 'u_demo-neighbour-3', '小周', UTC_TIMESTAMP());
UPDATE users u JOIN communities c ON c.name = '玉林社区'
    SET u.home_community_id = c.id
    WHERE u.openid IN ('demo-resident', 'demo-neighbour-1', 'demo-neighbour-2', 'demo-neighbour-3');

-- needs (需求清单)
INSERT INTO needs (community_id, category, title, description, status, raised_by, created_at)
SELECT c.id, n.category, n.title, n.description, n.status, u.id, UTC_TIMESTAMP() - INTERVAL n.age DAY
FROM communities c, users u,
     (SELECT 'elderly' AS category, '独居老人午餐没人管' AS title, '楼里好几位独居老人中午常常不吃饭，希望有人送餐或有个助餐点。' AS description,
             'accepted' AS status, 20 AS age
      UNION ALL SELECT 'children', '放学后孩子没人看', '双职工家庭的孩子四点半放学，家长六点半才下班。', 'open', 12
      UNION ALL SELECT 'safety', '电动车楼道充电', '3 栋楼道里有人给电动车充电，担心起火。', 'resolved', 40
      UNION ALL SELECT 'environment', '垃圾分类点太远', '北区的居民倒垃圾要走十分钟。', 'open', 3) n
WHERE c.name = '玉林社区' AND u.openid = 'demo-resident';
INSERT INTO need_supports (need_id, user_id, created_at)
SELECT n.id, u.id, UTC_TIMESTAMP() FROM needs n JOIN communities c ON c.id = n.community_id AND c.name = '玉林社区', users u
WHERE u.openid LIKE 'demo-neighbour-%' AND n.title IN ('独居老人午餐没人管', '放学后孩子没人看');
INSERT INTO need_supports (need_id, user_id, created_at)
SELECT n.id, u.id, UTC_TIMESTAMP() FROM needs n, users u
WHERE u.openid = 'demo-neighbour-1' AND n.title = '垃圾分类点太远';
UPDATE needs n SET support_count = (SELECT COUNT(*) FROM need_supports s WHERE s.need_id = n.id);
UPDATE needs n JOIN users u ON u.openid = 'demo-socialworker'
    SET n.triage_note = '已立项：长者助餐服务项目', n.triaged_by = u.id, n.triaged_at = UTC_TIMESTAMP()
    WHERE n.title = '独居老人午餐没人管';

-- a service project (项目清单) answering the first need, and a resource (资源清单) matched to it
INSERT INTO service_projects (org_id, community_id, title, summary, kind, budget_cents, starts_on, ends_on, status,
                              proposed_by, created_at, updated_at)
SELECT o.id, o.community_id, '玉林长者助餐服务', '每周一至周五在社区食堂为 80 岁以上独居长者提供午餐，行动不便的送餐上门。',
       'purchase', 12000000, DATE(UTC_TIMESTAMP() - INTERVAL 30 DAY), DATE(UTC_TIMESTAMP() + INTERVAL 300 DAY),
       'in_progress', o.filed_by, UTC_TIMESTAMP() - INTERVAL 30 DAY, UTC_TIMESTAMP()
FROM organizations o WHERE o.name = '玉林邻里互助会';
INSERT INTO service_projects (org_id, community_id, title, summary, kind, budget_cents, starts_on, ends_on, status,
                              proposed_by, created_at, updated_at)
SELECT o.id, o.community_id, '儿童四点半课堂', '放学后为双职工家庭的孩子提供作业辅导和阅读。', 'micro_venture', 1500000,
       DATE(UTC_TIMESTAMP() + INTERVAL 10 DAY), DATE(UTC_TIMESTAMP() + INTERVAL 200 DAY), 'proposed', o.filed_by,
       UTC_TIMESTAMP(), UTC_TIMESTAMP()
FROM organizations o WHERE o.name = '玉林邻里互助会';
INSERT INTO project_needs (project_id, need_id)
SELECT p.id, n.id FROM service_projects p, needs n WHERE p.title = '玉林长者助餐服务' AND n.title = '独居老人午餐没人管';
INSERT INTO project_needs (project_id, need_id)
SELECT p.id, n.id FROM service_projects p, needs n WHERE p.title = '儿童四点半课堂' AND n.title = '放学后孩子没人看';
INSERT INTO resources (community_id, kind, provider, description, quantity, created_by, created_at)
SELECT c.id, r.kind, r.provider, r.description, r.quantity, u.id, UTC_TIMESTAMP()
FROM communities c, users u,
     (SELECT 'venue' AS kind, '玉林社区居委会' AS provider, '社区食堂，工作日 11:00-13:00 可用，40 座' AS description, 40 AS quantity
      UNION ALL SELECT 'funds', '武侯区民政局', '政府购买服务资金（分）', 12000000
      UNION ALL SELECT 'people', '玉林中学志愿者协会', '周末可来 10 名学生志愿者', 10) r
WHERE c.name = '玉林社区' AND u.openid = 'demo-admin';
INSERT INTO project_resources (project_id, resource_id, note, matched_by, matched_at)
SELECT p.id, r.id, '用于助餐点', u.id, UTC_TIMESTAMP()
FROM service_projects p, resources r, users u
WHERE p.title = '玉林长者助餐服务' AND r.provider IN ('玉林社区居委会', '武侯区民政局') AND u.openid = 'demo-admin';

-- an activity of the project held last week, with check-ins (the neighbours are volunteers
-- there), service time, and satisfaction ratings
INSERT INTO activities (org_id, title, description, category, starts_at, ends_at, capacity, walk_in, service_minutes,
                        location_name, lat, lng, radius_m, status, created_by, created_at, published_at)
SELECT o.id, '助餐点开张：包饺子', '长者和志愿者一起包饺子，庆祝助餐点开张。', 'relief',
       UTC_TIMESTAMP() - INTERVAL 7 DAY, UTC_TIMESTAMP() - INTERVAL 7 DAY + INTERVAL 2 HOUR, 20, 1, 120, '玉林社区食堂',
       30.641900, 104.043300, 300, 'published', o.filed_by, UTC_TIMESTAMP() - INTERVAL 10 DAY,
       UTC_TIMESTAMP() - INTERVAL 10 DAY
FROM organizations o WHERE o.name = '玉林邻里互助会';
INSERT INTO activity_projects (activity_id, project_id, linked_by, linked_at)
SELECT a.id, p.id, p.proposed_by, UTC_TIMESTAMP() FROM activities a, service_projects p
WHERE a.title = '助餐点开张：包饺子' AND p.title = '玉林长者助餐服务';
INSERT INTO checkins (activity_id, user_id, checked_in_at, checked_out_at, in_lat, in_lng, out_lat, out_lng, walk_in)
SELECT a.id, u.id, a.starts_at, a.ends_at, 30.641900, 104.043300, 30.641900, 104.043300, 1
FROM activities a, users u WHERE a.title = '助餐点开张：包饺子' AND u.openid LIKE 'demo-neighbour-%';
INSERT INTO service_records (user_id, activity_id, kind, minutes, checkin_id, created_by, created_at)
SELECT c.user_id, c.activity_id, 'checkout', 120, c.id, c.user_id, c.checked_out_at
FROM checkins c JOIN activities a ON a.id = c.activity_id WHERE a.title = '助餐点开张：包饺子';
INSERT INTO activity_ratings (activity_id, user_id, org_id, score, comment, created_at)
SELECT a.id, u.id, a.org_id, r.score, r.comment, UTC_TIMESTAMP() - INTERVAL 6 DAY
FROM activities a, users u,
     (SELECT 'demo-neighbour-1' AS openid, 5 AS score, '饺子好吃，老人们很开心。' AS comment
      UNION ALL SELECT 'demo-neighbour-2', 4, '人有点多，下次可以分两批。') r
WHERE a.title = '助餐点开张：包饺子' AND u.openid = r.openid;
INSERT INTO rating_staff (rating_id, user_id)
SELECT r.id, m.user_id FROM activity_ratings r JOIN org_members m ON m.org_id = r.org_id AND m.role = 'social_worker'
JOIN activities a ON a.id = r.activity_id WHERE a.title = '助餐点开张：包饺子';
INSERT INTO rating_tallies (subject, subject_id, score, n)
SELECT 'org', r.org_id, r.score, COUNT(*) FROM activity_ratings r JOIN activities a ON a.id = r.activity_id
WHERE a.title = '助餐点开张：包饺子' GROUP BY r.org_id, r.score
ON DUPLICATE KEY UPDATE n = n + VALUES(n);
INSERT INTO rating_tallies (subject, subject_id, score, n)
SELECT 'social_worker', s.user_id, r.score, COUNT(*) FROM activity_ratings r JOIN rating_staff s ON s.rating_id = r.id
JOIN activities a ON a.id = r.activity_id WHERE a.title = '助餐点开张：包饺子' GROUP BY s.user_id, r.score
ON DUPLICATE KEY UPDATE n = n + VALUES(n);

-- consultations (社区协商): one deliberating, one decided and publicized
INSERT INTO consultations (community_id, title, body, stage, closes_at, convened_by, created_at)
SELECT c.id, '北区垃圾分类点放在哪里？', '北区居民反映倒垃圾太远。居委会提出三个位置，请大家投票并留言。', 'deliberating',
       UTC_TIMESTAMP() + INTERVAL 10 DAY, u.id, UTC_TIMESTAMP() - INTERVAL 2 DAY
FROM communities c, users u WHERE c.name = '玉林社区' AND u.openid = 'demo-socialworker';
INSERT INTO consultations (community_id, title, body, stage, closes_at, decision, convened_by, created_at, resolved_at,
                           publicized_at)
SELECT c.id, '3 栋电动车充电怎么办？', '楼道充电有火灾隐患，是否在 3 栋旁建集中充电棚？', 'publicized',
       UTC_TIMESTAMP() - INTERVAL 20 DAY, '在 3 栋东侧建 20 个车位的充电棚，物业负责维护；楼道内禁止充电。', u.id,
       UTC_TIMESTAMP() - INTERVAL 40 DAY, UTC_TIMESTAMP() - INTERVAL 19 DAY, UTC_TIMESTAMP() - INTERVAL 18 DAY
FROM communities c, users u WHERE c.name = '玉林社区' AND u.openid = 'demo-admin';
INSERT INTO consultation_options (consultation_id, idx, label)
SELECT k.id, o.idx, o.label FROM consultations k,
     (SELECT 0 AS idx, '北门停车场旁' AS label UNION ALL SELECT 1, '8 栋和 9 栋之间' UNION ALL SELECT 2, '社区广场东侧') o
WHERE k.title = '北区垃圾分类点放在哪里？';
INSERT INTO consultation_options (consultation_id, idx, label)
SELECT k.id, o.idx, o.label FROM consultations k,
     (SELECT 0 AS idx, '建充电棚' AS label UNION ALL SELECT 1, '不建，加强巡查') o
WHERE k.title = '3 栋电动车充电怎么办？';
INSERT INTO consultation_ballots (consultation_id, user_id, option_idx, created_at)
SELECT k.id, u.id, b.idx, UTC_TIMESTAMP() - INTERVAL 1 DAY FROM consultations k, users u,
     (SELECT 'demo-resident' AS openid, 1 AS idx UNION ALL SELECT 'demo-neighbour-1', 0
      UNION ALL SELECT 'demo-neighbour-2', 1) b
WHERE k.title = '北区垃圾分类点放在哪里？' AND u.openid = b.openid;
INSERT INTO consultation_ballots (consultation_id, user_id, option_idx, created_at)
SELECT k.id, u.id, IF(u.openid = 'demo-neighbour-3', 1, 0), UTC_TIMESTAMP() - INTERVAL 25 DAY
FROM consultations k, users u
WHERE k.title = '3 栋电动车充电怎么办？' AND (u.openid LIKE 'demo-neighbour-%' OR u.openid = 'demo-resident');
UPDATE consultation_options o SET votes = (SELECT COUNT(*) FROM consultation_ballots b
    WHERE b.consultation_id = o.consultation_id AND b.option_idx = o.idx);
UPDATE consultations k SET ballots = (SELECT COUNT(*) FROM consultation_ballots b WHERE b.consultation_id = k.id);
INSERT INTO consultation_comments (consultation_id, user_id, body, created_at)
SELECT k.id, u.id, c.body, UTC_TIMESTAMP() - INTERVAL c.h HOUR FROM consultations k, users u,
     (SELECT 'demo-resident' AS openid, '8 栋和 9 栋之间离大家都近，但要注意异味。' AS body, 30 AS h
      UNION ALL SELECT 'demo-neighbour-1', '北门停车场旁最方便清运车进出。', 20) c
WHERE k.title = '北区垃圾分类点放在哪里？' AND u.openid = c.openid;

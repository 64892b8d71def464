-- Content safety for the rest of the text people type (050 has activities, organizations, needs
-- and consultation comments): each object that shows such text to others gets content_status,
-- and a user's new nickname waits in nickname_pending (the old one stays shown) until a person
-- passes it in the queue.
ALTER TABLE activity_ratings ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE contest_projects ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE service_projects ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE resources ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE consultations ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE communities ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE contests ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE users ADD COLUMN nickname_pending VARCHAR(64) NULL;

ALTER TABLE content_reviews MODIFY object_type ENUM('activity', 'org', 'need', 'consultation_comment', 'rating',
    'nickname', 'contest_project', 'service_project', 'resource', 'consultation', 'community', 'contest') NOT NULL;

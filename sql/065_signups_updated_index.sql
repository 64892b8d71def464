-- The sender's reminder pass looks only at sign-ups changed since its previous pass (plus, now
-- and then, everything in the window): this index finds them without reading every sign-up
-- of every activity starting in the next 24 hours, every second.
ALTER TABLE signups ADD KEY ix_signups_updated (updated_at);

-- Members, tags and e-mail events for the segment tests (crm-import
-- reads orders only): Ivy registered and never bought; Bob is a member.
INSERT INTO customers (id, name, email, channel, first_seen, is_member)
  VALUES (10, 'Ivy', 'ivy@example.com', 'qdm', 1714521600, 1);
INSERT INTO members (channel, member_no, customer_id, joined_at, name,
  birthday, gender) VALUES
  ('qdm', 'Q-0010', 10, 1714521600, 'Ivy', '1990-11-05', 'F'),
  ('shopee', 'S-0002', 2, 1704067200, 'Bob', '1985-11-30', 'M');
UPDATE customers SET is_member = 1 WHERE id = 2;
INSERT INTO tags (tag, customer_id, source, added_at) VALUES
  ('vip', 1, 'test', 0), ('vip', 10, 'test', 0);
INSERT INTO events (kind, at, customer_id, email, campaign) VALUES
  ('opened', 1731196800, 2, 'bob@example.com', 'double11'),
  ('clicked', 1734220800, 3, 'cat@example.com', 'double11');

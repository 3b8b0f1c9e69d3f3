-- What crm-points tests add to a store made from points-orders.csv:
-- two credit notes, a member record and a redemption, put in with SQL
-- (t7250 reads redemptions through crm-import).  Times are local
-- seconds at noon.
INSERT INTO orders (channel, order_no, customer_id, ordered_at, status,
    items_total, total, net, lines, digest)
  VALUES ('web', 'C1', 1,
    CAST((julianday('2024-02-05 12:00') - 2440587.5) * 86400 AS INTEGER),
    'credit', -50000, -50000, -50000, 0, 0),
  ('web', 'C2', 2,
    CAST((julianday('2024-05-05 12:00') - 2440587.5) * 86400 AS INTEGER),
    'credit', -90000, -90000, -90000, 0, 0);
INSERT INTO members (channel, member_no, customer_id, joined_at, birthday)
  VALUES ('web', 'M1', 1,
    CAST((julianday('2023-12-01 12:00') - 2440587.5) * 86400 AS INTEGER),
    '1992-02-29');
INSERT INTO redemptions (channel, ref, customer_id, at, points)
  VALUES ('web', 'R1', 1,
    CAST((julianday('2024-06-01 12:00') - 2440587.5) * 86400 AS INTEGER),
    120);

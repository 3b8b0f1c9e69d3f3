-- Added to a store of tests/data/honest-orders.csv: credit notes (a whole
-- sale of B1 credited 12 minutes later; one cup of C1 credited two months
-- later) and two orders of no known buyer, as crm-import stores them
-- (status 'credit', negative net and lines; customer_id NULL), and the
-- customers' spend net of their credits, as customer_stats keeps it.
INSERT INTO orders (id, channel, order_no, customer_id, ordered_at, status,
    items_total, shipping, discount, total, refund, net, lines, digest)
VALUES
 (101, 'momo', 'CB1', (SELECT customer_id FROM orders WHERE order_no = 'B1'),
  strftime('%s', '2025-02-01 09:12'), 'credit', -1000000, 0, 0, -1000000, 0,
  -1000000, 1, 0),
 (102, 'shopee', 'CC1', (SELECT customer_id FROM orders WHERE order_no = 'C1'),
  strftime('%s', '2025-05-15 10:00'), 'credit', -30000, 0, 0, -30000, 0,
  -30000, 1, 0),
 (103, 'shopee', 'G1', NULL, strftime('%s', '2025-02-10 15:00'), 'completed',
  135000, 0, 0, 135000, 0, 135000, 1, 0),
 (104, 'momo', 'G2', NULL, strftime('%s', '2025-04-20 16:00'), 'completed',
  10000, 0, 0, 10000, 0, 10000, 1, 0);
INSERT INTO order_items (order_id, line, product_id, quantity, returned_qty,
    unit_price, amount)
VALUES
 (101, 1, (SELECT id FROM products WHERE sku = 'BIG-01'), -100, 0, 10000, -1000000),
 (102, 1, (SELECT id FROM products WHERE sku = 'CUP-01'), -1, 0, 30000, -30000),
 (103, 1, (SELECT id FROM products WHERE sku = 'TEA-01'), 3, 0, 45000, 135000),
 (104, 1, (SELECT id FROM products WHERE sku = 'BIG-01'), 1, 0, 10000, 10000);
UPDATE customer_stats SET spent = spent + (SELECT coalesce(sum(net), 0)
    FROM orders o WHERE o.customer_id = customer_stats.customer_id
    AND o.status = 'credit');

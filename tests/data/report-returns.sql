-- Added to a store of tests/data/report-orders.csv by t3000: two credit
-- notes (a cup of A1 returned weeks later, both teas of D3 the next day)
-- and two orders of no known buyer, as crm-import stores them (status
-- 'credit' with negative net and lines; customer_id NULL), and the
-- customers' spend net of their credits, as customer_stats keeps it.
INSERT INTO orders (id, channel, order_no, customer_id, ordered_at, status,
    items_total, shipping, discount, total, refund, net, lines, digest)
VALUES
 (201, 'shopee', 'CA1', (SELECT customer_id FROM orders WHERE order_no = 'A1'),
  strftime('%s', '2025-02-20 11:00'), 'credit', -30000, 0, 0, -30000, 0,
  -30000, 1, 0),
 (202, 'momo', 'CD3', (SELECT customer_id FROM orders WHERE order_no = 'D3'),
  strftime('%s', '2024-06-21 09:00'), 'credit', -90000, 0, 0, -90000, 0,
  -90000, 1, 0),
 (203, 'shopee', 'W1', NULL, strftime('%s', '2025-03-15 13:00'), 'completed',
  88000, 6000, 0, 94000, 0, 94000, 1, 0),
 (204, 'momo', 'W2', NULL, strftime('%s', '2024-11-11 20:00'), 'completed',
  96000, 0, 0, 96000, 0, 96000, 1, 0);
INSERT INTO order_items (order_id, line, product_id, quantity, returned_qty,
    unit_price, amount)
VALUES
 (201, 1, (SELECT id FROM products WHERE sku = 'CUP-01'), -1, 0, 30000, -30000),
 (202, 1, (SELECT id FROM products WHERE sku = 'TEA-01'), -2, 0, 45000, -90000),
 (203, 1, (SELECT id FROM products WHERE sku = 'TEA-02'), 1, 0, 88000, 88000),
 (204, 1, (SELECT id FROM products WHERE sku = 'SNK-01'), 3, 0, 32000, 96000);
UPDATE customer_stats SET spent = spent + (SELECT coalesce(sum(net), 0)
    FROM orders o WHERE o.customer_id = customer_stats.customer_id
    AND o.status = 'credit');

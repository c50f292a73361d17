-- Read-only pgbench script (integration/pgbench.sh): a random region's order count and revenue.
\set r random(1, 4)
SELECT count(*), sum(revenue) FROM sales WHERE region = (CASE :r WHEN 1 THEN 'EAST' WHEN 2 THEN 'WEST' WHEN 3 THEN 'NORTH' ELSE 'SOUTH' END);
SELECT store_name FROM stores WHERE store_id = :r;

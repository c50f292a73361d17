// pgJDBC client check (run by integration/jdbc.sh): DatabaseMetaData, server-prepared binary statements after the
// prepare threshold, and a cursor-mode fetch (setFetchSize with autocommit off). Prints "N passed, N failed".
import java.sql.*;
import java.util.*;

public class Jdbc {
    static int passed = 0, failed = 0;

    static void check(String name, boolean ok, Object detail) {
        if (ok) { passed++; System.out.println("ok   " + name); }
        else { failed++; System.out.println("FAIL " + name + ": " + detail); }
    }

    interface Body { void run() throws Exception; }

    static void step(String name, Body b) {
        try { b.run(); } catch (Exception e) { check(name, false, e); }
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/insights?user=insights";
        try (Connection c = DriverManager.getConnection(url)) {
            DatabaseMetaData md = c.getMetaData();
            step("getSchemas", () -> {
                List<String> s = new ArrayList<>();
                try (ResultSet rs = md.getSchemas()) { while (rs.next()) s.add(rs.getString("TABLE_SCHEM")); }
                check("getSchemas lists public", s.contains("public"), s);
            });
            step("getTables", () -> {
                List<String> t = new ArrayList<>();
                try (ResultSet rs = md.getTables(null, "public", "%", new String[]{"TABLE"})) {
                    while (rs.next()) t.add(rs.getString("TABLE_NAME"));
                }
                check("getTables lists the lake", t.containsAll(List.of("sales", "products", "stores", "customers")), t);
            });
            step("getColumns", () -> {
                // The real columns, from the query result's own metadata.
                List<String> real = new ArrayList<>();
                Map<String, Integer> realTypes = new HashMap<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM sales LIMIT 0")) {
                    ResultSetMetaData m = rs.getMetaData();
                    for (int i = 1; i <= m.getColumnCount(); i++) {
                        real.add(m.getColumnName(i));
                        realTypes.put(m.getColumnName(i), m.getColumnType(i));
                    }
                }
                List<String> cols = new ArrayList<>();
                boolean typesAgree = true;
                String mismatch = "";
                try (ResultSet rs = md.getColumns(null, "public", "sales", "%")) {
                    while (rs.next()) {
                        String n = rs.getString("COLUMN_NAME");
                        cols.add(n);
                        int t = rs.getInt("DATA_TYPE");
                        if (!Objects.equals(realTypes.get(n), t)) { typesAgree = false; mismatch += n + ":" + t + "/" + realTypes.get(n) + " "; }
                    }
                }
                check("getColumns returns every column of sales in order", cols.equals(real), cols + " vs " + real);
                check("getColumns types agree with the result's types", typesAgree, mismatch);
            });
            step("getPrimaryKeys", () -> {
                int n = 0;
                try (ResultSet rs = md.getPrimaryKeys(null, "public", "sales")) { while (rs.next()) n++; }
                check("getPrimaryKeys answers (no keys in a lake)", n == 0, n);
            });
            step("getTypeInfo", () -> {
                Set<String> names = new HashSet<>();
                try (ResultSet rs = md.getTypeInfo()) { while (rs.next()) names.add(rs.getString("TYPE_NAME")); }
                check("getTypeInfo lists int4, numeric, varchar, date", names.containsAll(List.of("int4", "numeric", "varchar", "date")), names);
            });
            step("prepared", () -> {
                String sql = "SELECT count(*) AS n, sum(quantity) AS q, min(order_date) AS d FROM sales WHERE region = ?";
                List<String> seen = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < 8; i++) {
                        ps.setString(1, "WEST");
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            seen.add(rs.getLong(1) + "/" + rs.getBigDecimal(2) + "/" + rs.getDate(3));
                        }
                    }
                }
                boolean same = seen.stream().distinct().count() == 1;
                check("PreparedStatement x8 (text then server-prepared binary) gives the same row", same && !seen.get(0).startsWith("0/"), seen);
            });
            step("fetchsize", () -> {
                c.setAutoCommit(false);
                long rows = 0;
                Set<Long> ids = new HashSet<>();
                try (Statement st = c.createStatement()) {
                    st.setFetchSize(100);
                    try (ResultSet rs = st.executeQuery("SELECT row_number() OVER () AS i FROM sales LIMIT 10000")) {
                        while (rs.next()) { rows++; ids.add(rs.getLong(1)); }
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                check("setFetchSize(100), autocommit off: all 10000 rows arrive once", rows == 10000 && ids.size() == 10000, rows + " rows, " + ids.size() + " distinct");
            });
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}

package org.skein.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's database: a HikariCP connection pool, with the schema created and migrated by Flyway
 * (scripts in {@code db/migration}) when the node starts.
 *
 * <p>By default an embedded H2 database in the node's {@code data/db/} folder, opened with
 * {@code AUTO_SERVER=TRUE} so that a command-line tool (or another node on the same host, for a demo
 * cluster) can use it while the node runs. A cluster of real hosts uses PostgreSQL:
 * <pre>
 *   db.url=jdbc:postgresql://db.example.com:5432/skein
 *   db.user=skein
 *   db.password=...
 * </pre>
 * Keys: {@code db.url}, {@code db.user}, {@code db.password}, {@code db.pool.maxSize} (10),
 * {@code db.pool.connectionTimeout} (10s).
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final ServerConfig config;
    private final Path dataDirectory;
    private final String poolName;
    private volatile HikariDataSource dataSource;

    public Database(ServerConfig config, Path dataDirectory, String poolName) {
        this.config = Objects.requireNonNull(config, "config");
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        this.poolName = poolName;
    }

    /** The JDBC URL in use: {@code db.url}, or the embedded H2 database in the data folder. */
    public String url() {
        return config.get("db.url", "").isBlank()
                ? "jdbc:h2:file:" + dataDirectory.resolve("db").resolve("skein").toAbsolutePath() + ";AUTO_SERVER=TRUE"
                : config.get("db.url", "");
    }

    /** Whether the embedded H2 database is in use (not suitable for nodes on several hosts). */
    public boolean isEmbedded() {
        return url().startsWith("jdbc:h2:file:");
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @throws ConfigException if the database cannot be reached or migrated, naming the URL and key
     */
    public synchronized void start() {
        if (dataSource != null) {
            return;
        }
        String url = url();
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("skein-db-" + poolName);
        hikari.setJdbcUrl(url);
        if (url.startsWith("jdbc:postgresql:")) {
            // the driver sends a batch of inserts (the archive writer's group commit) as multi-row INSERTs:
            // more archived messages per second (benchmarks/README.md); a db.url that names the parameter wins
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        hikari.setUsername(config.get("db.user", url.startsWith("jdbc:h2:") ? "sa" : ""));
        hikari.setPassword(config.get("db.password", ""));
        hikari.setMaximumPoolSize(config.getInt("db.pool.maxSize", 10));
        hikari.setMinimumIdle(1);
        Duration timeout = config.getDuration("db.pool.connectionTimeout", Duration.ofSeconds(10));
        hikari.setConnectionTimeout(timeout == null ? Duration.ofSeconds(10).toMillis() : timeout.toMillis());
        hikari.setInitializationFailTimeout(hikari.getConnectionTimeout());
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new ConfigException(config.source() + ": cannot connect to the database at '" + redact(url)
                    + "' (keys db.url, db.user, db.password): " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .table("skein_schema_history")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new ConfigException("cannot create or migrate the schema of the database at '" + redact(url) + "': " + rootMessage(e), e);
        }
        dataSource = pool;
        LOG.info("Database ready at {}", redact(url));
    }

    /**
     * The pool.
     *
     * @throws IllegalStateException if the database was not started
     */
    public DataSource dataSource() {
        HikariDataSource pool = dataSource;
        if (pool == null) {
            throw new IllegalStateException("the database is not started");
        }
        return pool;
    }

    /** A connection from the pool; close it when done. */
    public Connection connection() throws SQLException {
        return dataSource().getConnection();
    }

    @Override
    public synchronized void close() {
        HikariDataSource pool = dataSource;
        dataSource = null;
        if (pool != null) {
            pool.close();
        }
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}

package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local fake of Snowflake's REST endpoints that the real, unmodified snowflake-jdbc driver talks
 * to over plain HTTP on 127.0.0.1 ({@code ssl=off}). It implements login (password, key pair JWT,
 * programmatic access token, OAuth access tokens from its own client-credentials token endpoint or
 * registered ones), session parameters sent at login, session token renewal and expiry (390112,
 * 390114), synchronous and asynchronous query submission with bindings and statement parameters,
 * {@code RESULT_SCAN}, {@code SYSTEM$CANCEL_QUERY} from any session, the monitoring endpoint for
 * query status (with {@code NO_DATA} right after a submission when scripted), a look-up of the
 * user's query history by {@code QUERY_TAG}, session delete, heartbeat and telemetry, and chunked
 * results produced on demand. Tests script queries ({@link #when}), inject latency and HTTP faults
 * ({@link #failNext}), and inspect what arrived ({@link #queries()}, {@link #requestCount}).
 *
 * <pre>{@code
 * try (FakeSnowflakeServer fake = FakeSnowflakeServer.start()) {
 *     fake.addPasswordUser("alice", "pw");
 *     fake.when("SELECT 42").runFor(Duration.ofSeconds(1)).returning(FakeResult.single(42));
 *     Properties props = new Properties();
 *     props.putAll(fake.driverProperties());
 *     props.put("user", "alice");
 *     props.put("password", "pw");
 *     Connection c = DriverManager.getConnection(fake.jdbcUrl(), props);
 * }
 * }</pre>
 *
 * The JVM that runs the driver needs the environment variable {@code SNOWFLAKE_DISABLE_MINICORE=true}.
 * Everything is thread-safe.
 */
public final class FakeSnowflakeServer implements AutoCloseable {

    /** The groups of endpoints, for faults, latency and request counts. */
    public enum Endpoint { LOGIN, QUERY, RESULT, MONITORING, CHUNK, SESSION, TELEMETRY, OAUTH }

    /** The path of the fake's OAuth token endpoint (Snowflake's own path for it). */
    public static final String OAUTH_TOKEN_PATH = "/oauth/token-request";

    public static final String ACCOUNT = "TESTACCOUNT";

    private static final Pattern CHUNK_PATH = Pattern.compile("/fake-chunks/([^/]+)/(\\d+)");

    private final HttpServer http;
    private final ExecutorService executor;
    private final FakeAuth auth = new FakeAuth(ACCOUNT);
    private final FakeLogins logins;
    private final FakeRoutes routes;
    private final FakeWarehouse warehouse;
    private final Map<Endpoint, Deque<Fault>> faults = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Duration> latency = new ConcurrentHashMap<>();
    private final Map<Endpoint, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, Object> sessionParameters = new ConcurrentHashMap<>();

    private FakeSnowflakeServer(int inlineRows, int chunkRows) throws IOException {
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-snowflake-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        this.warehouse = new FakeWarehouse(new ResultWriter(inlineRows, chunkRows),
                "http://127.0.0.1:" + http.getAddress().getPort() + "/fake-chunks/");
        this.logins = new FakeLogins(auth, sessionParameters);
        this.routes = new FakeRoutes(auth, warehouse, logins);
        for (Endpoint endpoint : Endpoint.values()) {
            faults.put(endpoint, new ArrayDeque<>());
            requests.put(endpoint, new AtomicInteger());
        }
        sessionParameters.put("AUTOCOMMIT", true);
        sessionParameters.put("CLIENT_RESULT_CHUNK_SIZE", 160);
        sessionParameters.put("CLIENT_PREFETCH_THREADS", 4);
        sessionParameters.put("TIMEZONE", "America/Los_Angeles");
        sessionParameters.put("CLIENT_TELEMETRY_ENABLED", false);
        http.start();
    }

    /** Starts a fake that sends up to 1,000 rows inline and the rest in chunks of 10,000 rows. */
    public static FakeSnowflakeServer start() {
        return start(1_000, 10_000);
    }

    /** Starts a fake with the given inline row count and chunk size. */
    public static FakeSnowflakeServer start(int inlineRows, int chunkRows) {
        try {
            return new FakeSnowflakeServer(inlineRows, chunkRows);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Snowflake server", e);
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code jdbc:snowflake://127.0.0.1:PORT/?ssl=off}. */
    public String jdbcUrl() {
        return "jdbc:snowflake://127.0.0.1:" + port() + "/?ssl=off";
    }

    /**
     * Driver connection properties that suit the fake (account, {@code ssl=off}, no cloud
     * platform probing, short timeouts and few HTTP retries); add the user's credentials.
     */
    public Map<String, String> driverProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("account", ACCOUNT);
        props.put("ssl", "off");
        props.put("disablePlatformDetection", "true");
        props.put("loginTimeout", "10");
        props.put("networkTimeout", "10000");
        props.put("maxHttpRetries", "2");
        props.put("CLIENT_TELEMETRY_ENABLED", "false");
        return props;
    }

    /**
     * Settings for QueryRelay's {@code snowflake} provider (the worker's {@code provider.*} keys
     * without the prefix) that log in to this fake as {@code user} with {@code password}.
     */
    public Map<String, String> providerSettings(String user, String password) {
        Map<String, String> settings = new LinkedHashMap<>(driverProperties());
        settings.put("url", jdbcUrl());
        settings.put("user", user);
        settings.put("password", password);
        return settings;
    }

    public void addPasswordUser(String user, String password) {
        auth.addPasswordUser(user, password);
    }

    public void addKeyPairUser(String user, PublicKey publicKey) {
        auth.addKeyPairUser(user, publicKey);
    }

    public void addTokenUser(String user, String programmaticAccessToken) {
        auth.addTokenUser(user, programmaticAccessToken);
    }

    /**
     * Sets a session parameter sent to the driver at login (e.g. {@code TIMEZONE}). Session
     * parameters the driver sends at login (unknown connection properties) are echoed back too,
     * as Snowflake applies them to the session.
     */
    public void sessionParameter(String name, Object value) {
        sessionParameters.put(name, value);
    }

    /**
     * Registers an OAuth client for the client-credentials grant at {@link #oauthTokenUrl()}: the
     * access tokens it gets log in as {@code user} (authenticator {@code OAUTH}).
     */
    public void addOAuthClient(String clientId, String clientSecret, String user) {
        auth.addOAuthClient(clientId, clientSecret, user);
    }

    /** Registers a static OAuth access token that logs in as {@code user}. */
    public void addOAuthToken(String user, String accessToken) {
        auth.addOAuthToken(user, accessToken);
    }

    /** Every OAuth access token issued or registered so far stops working (as on expiry). */
    public void revokeOAuthTokens() {
        auth.revokeOAuthTokens();
    }

    /** How many access tokens the token endpoint issued. */
    public long oauthTokensIssued() {
        return auth.oauthTokensIssued();
    }

    /** {@code http://127.0.0.1:PORT/oauth/token-request}. */
    public String oauthTokenUrl() {
        return "http://127.0.0.1:" + port() + OAUTH_TOKEN_PATH;
    }

    /**
     * Every current session token expires: requests on it are answered 390112 and the driver
     * renews it with its master token, without a new login.
     */
    public void expireSessionTokens() {
        auth.expireSessionTokens();
    }

    /** Session and master tokens expire: renewal is answered 390114, so only a new login helps. */
    public void expireMasterTokens() {
        auth.expireMasterTokens();
    }

    /** How many session token renewals succeeded. */
    public long renewalCount() {
        return auth.renewalCount();
    }

    /** The session parameters the driver sent at the login of session {@code sessionId}. */
    public Map<String, Object> sessionParameters(long sessionId) {
        return auth.sessionParameters(sessionId);
    }

    /** How many query history look-ups arrived. */
    public int historyLookups() {
        return warehouse.historyLookups();
    }

    /** Scripts queries whose SQL equals {@code sql} (ignoring surrounding whitespace). */
    public QueryScript when(String sql) {
        String expected = sql.strip();
        return when(actual -> actual.strip().equals(expected));
    }

    /** Scripts queries whose SQL matches; the script added last wins. */
    public QueryScript when(Predicate<String> sqlMatcher) {
        return warehouse.addScript(sqlMatcher);
    }

    /** The next {@code times} requests to {@code endpoint} get {@code fault} instead of an answer. */
    public void failNext(Endpoint endpoint, int times, Fault fault) {
        Deque<Fault> queue = faults.get(endpoint);
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(fault);
            }
        }
    }

    /** Forgets the faults still queued for every endpoint. */
    public void clearFaults() {
        for (Deque<Fault> queue : faults.values()) {
            synchronized (queue) {
                queue.clear();
            }
        }
    }

    /** Delays every answer of {@code endpoint} by {@code delay}. */
    public void setLatency(Endpoint endpoint, Duration delay) {
        latency.put(endpoint, Objects.requireNonNull(delay, "delay"));
    }

    /** Ends every session: requests on them are answered "session no longer exists" (390111). */
    public void expireSessions() {
        auth.expireAll();
    }

    public long loginCount() {
        return auth.loginCount();
    }

    /** Every session and master token issued so far (secrets, for checking that none is logged). */
    public List<String> issuedTokens() {
        return auth.issuedTokens();
    }

    public int openSessions() {
        return auth.openSessions();
    }

    public int requestCount(Endpoint endpoint) {
        return requests.get(endpoint).get();
    }

    /** Every query accepted so far, in no particular order. */
    public List<FakeQuery> queries() {
        return warehouse.queries();
    }

    /** The accepted query with this id, or null. */
    public FakeQuery query(String queryId) {
        return warehouse.query(queryId);
    }

    /** The only accepted query whose SQL matches. */
    public FakeQuery onlyQuery(Predicate<String> sqlMatcher) {
        List<FakeQuery> matching = warehouse.queries().stream().filter(q -> sqlMatcher.test(q.sql())).toList();
        if (matching.size() != 1) {
            throw new IllegalStateException("expected one matching query, found " + matching.size());
        }
        return matching.get(0);
    }

    /** Ids of the queries a {@code SYSTEM$CANCEL_QUERY} call has stopped. */
    public List<String> canceledQueryIds() {
        return warehouse.canceledIds();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Endpoint endpoint = endpointOf(path);
            requests.get(endpoint).incrementAndGet();
            FakeHttp.delay(latency.get(endpoint));
            Fault fault = nextFault(endpoint);
            if (fault == Fault.DROP_CONNECTION) {
                return;
            }
            if (fault != null && fault != Fault.LOSE_ANSWER) {
                exchange.sendResponseHeaders(fault.httpStatus(), -1);
                return;
            }
            if (endpoint == Endpoint.CHUNK) {
                serveChunk(exchange, path);
                return;
            }
            if (endpoint == Endpoint.OAUTH) {
                logins.serveOAuthToken(exchange);
                return;
            }
            JsonNode body = FakeHttp.readBody(exchange);
            ObjectNode answer = routes.route(exchange, path, body);
            if (fault != Fault.LOSE_ANSWER) {
                FakeHttp.send(exchange, answer);
            }
        } catch (RuntimeException e) {
            FakeHttp.send(exchange, Envelopes.error(0, "XX000", "fake server error: " + e, null));
        }
    }

    private void serveChunk(HttpExchange exchange, String path) throws IOException {
        Matcher chunk = CHUNK_PATH.matcher(path);
        byte[] body = chunk.matches() ? warehouse.chunk(chunk.group(1), Integer.parseInt(chunk.group(2))) : null;
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        FakeHttp.sendBytes(exchange, 200, body);
    }

    private Fault nextFault(Endpoint endpoint) {
        Deque<Fault> queue = faults.get(endpoint);
        synchronized (queue) {
            return queue.poll();
        }
    }


    private static Endpoint endpointOf(String path) {
        if (path.startsWith("/session/v1/login-request")) {
            return Endpoint.LOGIN;
        }
        if (path.startsWith("/queries/v1/")) {
            return Endpoint.QUERY;
        }
        if (path.startsWith("/queries/")) {
            return Endpoint.RESULT;
        }
        if (path.startsWith("/monitoring/")) {
            return Endpoint.MONITORING;
        }
        if (path.startsWith("/fake-chunks/")) {
            return Endpoint.CHUNK;
        }
        if (path.startsWith("/telemetry/")) {
            return Endpoint.TELEMETRY;
        }
        if (path.equals(OAUTH_TOKEN_PATH)) {
            return Endpoint.OAUTH;
        }
        return Endpoint.SESSION;
    }



}

package io.trino.server;

/**
 * Stands in for io.trino:trino-server-main, which the package registry does not carry for the
 * Trino versions used here: upstream's TrinoServer does exactly this. Reflection keeps it
 * compilable with an older javac than the Java the Trino jars target.
 */
public final class TrinoServer {
    private TrinoServer() {}

    public static void main(String[] args) throws Exception {
        Object server = Class.forName("io.trino.server.Server").getConstructor().newInstance();
        server.getClass()
                .getMethod("start", String.class)
                .invoke(server, System.getProperty("trino.version", "unknown"));
    }
}

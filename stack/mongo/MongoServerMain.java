import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * Runs mongo-java-server, a MongoDB wire-protocol server, with its H2 (MVStore) backend so data
 * survives restarts. No MongoDB server can be installed from the registries this project uses;
 * clients speak to this one through the official drivers, so a real MongoDB works unchanged.
 *
 * usage: java -cp 'lib/*' MongoServerMain.java <bind-host> <port> <data-file>
 */
public final class MongoServerMain {
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: MongoServerMain <bind-host> <port> <data-file>");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        H2Backend backend = new H2Backend(args[2]);
        MongoServer server = new MongoServer(backend);
        server.bind(host, port);
        System.out.println("mongo-java-server listening on " + host + ":" + port + ", data in " + args[2]);
        // SIGTERM: close the store cleanly so the last writes are on disk.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            backend.close();
        }));
        Thread.currentThread().join();
    }
}

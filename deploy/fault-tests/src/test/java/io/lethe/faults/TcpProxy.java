package io.lethe.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a participant's PostgreSQL, so that the test can make the database unreachable for that
 * participant only, as a network partition or a database failover does: {@link #refuseConnections()} closes the
 * listening socket (new connections are refused) and resets every open connection (a connection in the middle of a
 * transaction sees {@code Connection reset}, and PostgreSQL rolls that transaction back); {@link #acceptConnections()}
 * listens again on the same port. Everyone else, the test included, reaches the database directly.
 */
final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile ServerSocket listening;

    /** Listens on a free local port and forwards every connection to {@code host:targetPort}. */
    TcpProxy(String host, int targetPort) {
        this.target = new InetSocketAddress(host, targetPort);
        this.port = Ports.free();
        acceptConnections();
    }

    int port() {
        return port;
    }

    /** Connections accepted so far: proves that the participant really goes through the proxy. */
    long acceptedConnections() {
        return accepted.get();
    }

    /** Listens again on the same port. */
    synchronized void acceptConnections() {
        if (listening != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listening = socket;
            daemon("tcp-proxy-accept-" + port, () -> accept(socket)).start();
        } catch (IOException e) {
            throw new UncheckedIOException("proxy cannot listen on port " + port + " again", e);
        }
    }

    /** Refuses new connections and resets the open ones (RST, not FIN: as a lost network path looks to a client). */
    synchronized void refuseConnections() {
        ServerSocket socket = listening;
        listening = null;
        if (socket != null) {
            closeQuietly(socket);
        }
        for (Socket connection : open) {
            reset(connection);
        }
    }

    @Override
    public void close() {
        refuseConnections();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed by refuseConnections or close
            }
            accepted.incrementAndGet();
            try {
                Socket server = new Socket();
                server.connect(target, 5_000);
                open.add(client);
                open.add(server);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    /** Copies one direction until either side ends, then ends both: half a connection is no connection. */
    private void pipe(Socket from, Socket to) {
        daemon("tcp-proxy-" + from.getPort() + "-" + to.getPort(), () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // reset or closed: the other direction ends too
                    } finally {
                        close(from);
                        close(to);
                    }
                })
                .start();
    }

    private void close(Socket socket) {
        open.remove(socket);
        closeQuietly(socket);
    }

    private void reset(Socket socket) {
        open.remove(socket);
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is all that is left to do
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}

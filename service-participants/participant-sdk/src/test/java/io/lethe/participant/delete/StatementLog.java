package io.lethe.participant.delete;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Records the SQL of every statement its connections prepare, in order, to count what a deletion sends. */
final class StatementLog extends DelegatingDataSource {

    private final DataSource target;
    private final List<String> prepared = new CopyOnWriteArrayList<>();

    StatementLog(DataSource target) {
        super(target);
        this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = target.getConnection();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        prepared.add(String.valueOf(args[0]));
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** {@return how many of the prepared statements match the pattern from their start} */
    long count(Pattern pattern) {
        return prepared.stream().filter(sql -> pattern.matcher(sql).lookingAt()).count();
    }

    /** {@return the prepared statements that match the pattern from their start} */
    List<String> matching(Pattern pattern) {
        return prepared.stream().filter(sql -> pattern.matcher(sql).lookingAt()).toList();
    }
}

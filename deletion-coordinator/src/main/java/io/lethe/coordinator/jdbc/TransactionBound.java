package io.lethe.coordinator.jdbc;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** A value kept with the current transaction, as Spring's transaction synchronization keeps its resources. */
public final class TransactionBound {

    private TransactionBound() {}

    /**
     * Binds the value to the current transaction under the key: unbound while the transaction is suspended (an inner
     * {@code REQUIRES_NEW} or {@code NOT_SUPPORTED} scope, which so never sees it), bound again when it resumes, and
     * forgotten when it ends, whatever the outcome. Read it with {@link
     * TransactionSynchronizationManager#getResource(Object)}.
     *
     * @throws IllegalStateException without transaction synchronization, or if the key is bound already
     */
    public static void keep(Object key, Object value) {
        TransactionSynchronizationManager.bindResource(key, value);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void suspend() {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
            }

            @Override
            public void resume() {
                TransactionSynchronizationManager.bindResource(key, value);
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
            }
        });
    }
}

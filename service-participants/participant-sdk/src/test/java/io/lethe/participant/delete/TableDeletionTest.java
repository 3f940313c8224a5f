package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableDeletionTest {

    @Test
    void aTableThatCarriesOthersDoublesItsKeysPerChunkWhileEachParentHasAboutOneChildUpToTheChunkSize() {
        assertThat(TableDeletion.nextFetch(625, 1_250, 5_000, 2)).isEqualTo(1_250);
        assertThat(TableDeletion.nextFetch(2_500, 5_000, 5_000, 2)).isEqualTo(5_000);
        assertThat(TableDeletion.nextFetch(5_000, 10_000, 5_000, 2)).isEqualTo(5_000);
    }

    @Test
    void fetchesFewerKeysAfterAChunkWhoseParentsHadManyChildren() {
        // 625 parents with 100 children each: 63,125 rows; the next chunk aims at 10,000 rows over two tables.
        assertThat(TableDeletion.nextFetch(625, 63_125, 5_000, 2)).isEqualTo(99);
        assertThat(TableDeletion.nextFetch(1, 1_000_000, 5_000, 2)).isEqualTo(1);
    }

    @Test
    void aChunkThatDeletedNothingDoublesTheKeys() {
        assertThat(TableDeletion.nextFetch(1, 0, 5_000, 3)).isEqualTo(2);
        assertThat(TableDeletion.nextFetch(4_000, 0, 5_000, 3)).isEqualTo(5_000);
    }
}

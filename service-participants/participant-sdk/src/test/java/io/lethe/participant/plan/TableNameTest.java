package io.lethe.participant.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableNameTest {

    @Test
    void printsTheUnquotedQualifiedName() {
        TableName name = new TableName("public", "orders");

        assertThat(name.qualified()).isEqualTo("public.orders");
        assertThat(name).hasToString("public.orders");
    }

    @Test
    void quotesBothPartsDoublingEmbeddedQuotes() {
        assertThat(new TableName("My Schema", "we\"ird").quoted("\"")).isEqualTo("\"My Schema\".\"we\"\"ird\"");
    }

    @Test
    void parsesAQualifiedName() {
        assertThat(TableName.parse("billing.invoices")).isEqualTo(new TableName("billing", "invoices"));
        assertThatThrownBy(() -> TableName.parse("invoices")).isInstanceOf(IllegalArgumentException.class);
    }
}

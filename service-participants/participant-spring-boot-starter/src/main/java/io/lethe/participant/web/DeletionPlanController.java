package io.lethe.participant.web;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /lethe/plan}: the participant's deletion plan, as derived from the database at start-up. */
@RestController
public class DeletionPlanController {

    private final String participant;
    private final DeletionPlan plan;

    public DeletionPlanController(String participant, DeletionPlan plan) {
        this.participant = participant;
        this.plan = plan;
    }

    @GetMapping(path = "/lethe/plan", produces = "application/json")
    public PlanView plan() {
        return new PlanView(
                participant,
                plan.tables().stream().map(TableView::of).toList(),
                plan.nullOuts().stream()
                        .map(n -> n.table().qualified() + "("
                                + String.join(", ", n.foreignKey().childColumns()) + ")")
                        .toList(),
                plan.skippedTables().stream()
                        .map(s -> new SkippedView(s.table().qualified(), s.reason()))
                        .toList(),
                plan.describe());
    }

    /** The plan as JSON: tables in deletion order, children first. */
    public record PlanView(
            String participant,
            List<TableView> tables,
            List<String> nullOuts,
            List<SkippedView> skipped,
            String text) {}

    /** One planned table. */
    public record TableView(String table, String kind, String tenantColumn, List<String> via) {

        static TableView of(PlannedTable table) {
            return new TableView(
                    table.table().qualified(),
                    table.kind().name(),
                    table.tenantColumn(),
                    table.via().stream()
                            .map(fk -> fk.child().qualified() + "(" + String.join(", ", fk.childColumns()) + ") -> "
                                    + fk.parent().qualified())
                            .toList());
        }
    }

    /** A table the plan leaves alone, and why. */
    public record SkippedView(String table, String reason) {}
}

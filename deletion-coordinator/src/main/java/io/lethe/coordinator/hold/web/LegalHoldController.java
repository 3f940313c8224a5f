package io.lethe.coordinator.hold.web;

import io.lethe.coordinator.hold.LegalHold;
import io.lethe.coordinator.hold.LegalHoldService;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Legal holds: OPERATORs place and lift them; every role reads them. */
@RestController
@RequestMapping("/api/v1/legal-holds")
class LegalHoldController {

    private final LegalHoldService holds;

    LegalHoldController(LegalHoldService holds) {
        this.holds = holds;
    }

    /** 201 with the new hold; 200 with the tenant's active hold, unchanged, if it has one. */
    @PutMapping("/{tenantId}")
    ResponseEntity<LegalHold> place(@PathVariable String tenantId, @RequestBody HoldRequest body, Principal caller) {
        LegalHoldService.Placement placement =
                holds.place(tenantId, body == null ? null : body.reason(), caller.getName());
        return ResponseEntity.status(placement.placed() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(placement.hold());
    }

    /** 200 with the lifted hold; 404 if the tenant has no active hold. */
    @DeleteMapping("/{tenantId}")
    LegalHold lift(@PathVariable String tenantId, Principal caller) {
        return holds.lift(tenantId, caller.getName());
    }

    @GetMapping("/{tenantId}")
    LegalHold get(@PathVariable String tenantId) {
        return holds.get(tenantId);
    }

    @GetMapping
    List<LegalHold> active() {
        return holds.active();
    }
}

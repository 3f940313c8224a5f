package io.lethe.coordinator.participant.web;

import io.lethe.coordinator.participant.Participant;
import io.lethe.coordinator.participant.ParticipantRegistry;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Registered participants; an operator retires one with DELETE. */
@RestController
@RequestMapping("/api/v1/participants")
class ParticipantController {

    private final ParticipantRegistry registry;

    ParticipantController(ParticipantRegistry registry) {
        this.registry = registry;
    }

    @GetMapping
    List<Participant> all() {
        return registry.all();
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> retire(@PathVariable String name) {
        registry.retire(name);
        return ResponseEntity.noContent().build();
    }
}

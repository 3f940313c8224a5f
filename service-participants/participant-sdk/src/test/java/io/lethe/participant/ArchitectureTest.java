package io.lethe.participant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final JavaClasses SDK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.lethe.participant");

    @Test
    void hasNoPackageCycles() {
        slices().matching("io.lethe.participant.(**)").should().beFreeOfCycles().check(SDK);
    }

    @Test
    void dependsOnNothingFromSpringKafkaOrAvro() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "org.apache.kafka..", "org.apache.avro..")
                .check(SDK);
    }

    @Test
    void planningKnowsNothingOfExecution() {
        noClasses()
                .that()
                .resideInAPackage("io.lethe.participant.plan..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.lethe.participant.delete..")
                .check(SDK);
    }
}

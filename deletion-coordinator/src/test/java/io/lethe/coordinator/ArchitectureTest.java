package io.lethe.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.lethe.coordinator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("io.lethe.coordinator.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule domainKnowsNoTechnology = noClasses()
            .that()
            .resideInAnyPackage("io.lethe.coordinator.job", "io.lethe.coordinator.participant")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.apache.kafka..",
                    "org.springframework.kafka..",
                    "org.apache.avro..",
                    "io.lethe.schemas..",
                    "java.sql..",
                    "org.springframework.jdbc..");

    @ArchTest
    static final ArchRule avroOnlyInKafkaAdapters = noClasses()
            .that()
            .resideOutsideOfPackages("..kafka..", "io.lethe.coordinator.config..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.lethe.schemas..");
}

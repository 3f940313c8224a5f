package io.lethe.participant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.lethe.participant", importOptions = ImportOption.DoNotIncludeTests.class)
class StarterArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("io.lethe.participant.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule avroOnlyInTheKafkaAdapterAndItsWiring = noClasses()
            .that()
            .resideOutsideOfPackages("io.lethe.participant.kafka..", "io.lethe.participant.autoconfigure..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.lethe.schemas..", "org.apache.avro..");

    @ArchTest
    static final ArchRule sdkCoreKnowsNoFramework = noClasses()
            .that()
            .resideInAnyPackage("io.lethe.participant.plan..", "io.lethe.participant.delete..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "org.apache.kafka..", "org.apache.avro..");
}

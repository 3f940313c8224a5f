package io.lethe.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.lethe.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The tool runs on kafka-clients and the schemas alone: Spring is only used by its tests, to make dead letters. */
    @ArchTest
    static final ArchRule noSpringAtRunTime =
            noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..");
}

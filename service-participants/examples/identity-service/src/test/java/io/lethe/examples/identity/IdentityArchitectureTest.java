package io.lethe.examples.identity;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.lethe.examples.identity", importOptions = ImportOption.DoNotIncludeTests.class)
class IdentityArchitectureTest {

    @ArchTest
    static final ArchRule demoDataNeedsNoApplicationContext = noClasses()
            .that()
            .haveSimpleNameEndingWith("DemoData")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.context..", "org.springframework.boot..")
            .because("the local stack and load tests seed databases with a DataSource alone, without an application"
                    + " context");

    @ArchTest
    static final ArchRule usesTheStarterOnlyThroughConfiguration = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.lethe.participant..")
            .because("the starter configures itself from lethe.participant.*: a participant needs no code");
}

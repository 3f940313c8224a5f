package io.lethe.examples.billing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.lethe.participant.delete.DeletionScope;
import io.lethe.participant.delete.DeletionStep;
import io.lethe.participant.delete.DeletionTask;

@AnalyzeClasses(packages = "io.lethe.examples.billing", importOptions = ImportOption.DoNotIncludeTests.class)
class BillingArchitectureTest {

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
    static final ArchRule usesTheStarterOnlyThroughConfigurationAndTheStepInterface = noClasses()
            .should()
            .dependOnClassesThat(resideInAPackage("io.lethe.participant..")
                    .and(not(type(DeletionStep.class)
                            .or(type(DeletionStep.Position.class))
                            .or(type(DeletionTask.class))
                            .or(type(DeletionScope.class)))))
            .because("the starter configures itself from lethe.participant.*: a participant needs no code beyond a"
                    + " DeletionStep for data outside its database (the invoice documents)");
}

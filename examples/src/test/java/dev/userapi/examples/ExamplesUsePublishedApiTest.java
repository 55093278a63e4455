package dev.userapi.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The examples are what users copy, so they use published API only: no class of theirs, main or
 * test, depends on a class in an {@code .internal} package of any userapi module.
 */
class ExamplesUsePublishedApiTest {
  private static final JavaClasses EXAMPLES =
      new ClassFileImporter()
          .withImportOption(location -> !location.contains("/generated-"))
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("dev.userapi.examples");

  @Test
  void noExampleImportsAnInternalPackage() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("dev.userapi.examples..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.userapi..internal..")
            .because("examples are copied by users and must use published API only");

    rule.check(EXAMPLES);
  }

  @Test
  void theRuleSeesTheExamples() {
    // A rule over an empty import passes vacuously: make sure the classes are really there.
    org.assertj.core.api.Assertions.assertThat(
            EXAMPLES.containPackage("dev.userapi.examples.gateway"))
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(EXAMPLES.size()).isGreaterThan(10);
  }
}

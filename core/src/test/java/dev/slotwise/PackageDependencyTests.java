/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise;

import java.util.Map;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import dev.slotwise.key.ClusterKeys;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package layers of {@code docs/architecture.md}, checked on core's compiled classes:
 * a package uses only the packages below it, and only {@code support} reaches Lettuce's
 * native connection or sends Lua.
 */
class PackageDependencyTests {

	private static final String BASE = "dev.slotwise.";

	/** Each package and the packages of ours it may use, besides itself. */
	private static final Map<String, Set<String>> ALLOWED = Map.of("key", Set.of(), "support", Set.of("key"), "cluster",
			Set.of("key", "support"), "buffer", Set.of("cluster", "key", "support"), "ratelimit",
			Set.of("cluster", "key", "support"), "monitor", Set.of("cluster", "key", "support"), "hotslot",
			Set.of("cluster", "key", "support"), "resharding", Set.of("monitor", "cluster", "key", "support"), "cache",
			Set.of("buffer", "cluster", "key", "support"));

	private static JavaClasses core;

	@BeforeAll
	static void importCore() {
		// core's own classes only: not slotwise-test's, which share the base package
		Location classes = Location.of(ClusterKeys.class.getProtectionDomain().getCodeSource().getLocation());
		core = new ClassFileImporter().importLocations(Set.of(classes));
	}

	static Set<String> packages() {
		return ALLOWED.keySet();
	}

	@ParameterizedTest
	@MethodSource("packages")
	void aPackageUsesOnlyThePackagesBelowIt(String name) {
		String[] forbidden = ALLOWED.keySet()
			.stream()
			.filter((other) -> !other.equals(name) && !ALLOWED.get(name).contains(other))
			.map((other) -> BASE + other + "..")
			.toArray(String[]::new);
		ArchRule rule = noClasses().that()
			.resideInAPackage(BASE + name + "..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(forbidden)
			.because("docs/architecture.md draws " + name + " above " + ALLOWED.get(name) + " only");
		rule.check(core);
	}

	@Test
	void everyPackageHasItsLayer() {
		ArchRule rule = noClasses().should()
			.resideOutsideOfPackages(ALLOWED.keySet().stream().map((name) -> BASE + name + "..").toArray(String[]::new))
			.because("a new package needs its place in the layers of docs/architecture.md");
		rule.check(core);
	}

	@Test
	void onlySupportReachesTheNativeConnection() {
		noClasses().that()
			.resideOutsideOfPackage(BASE + "support..")
			.should()
			.callMethodWhere(JavaCall.Predicates.target(DescribedPredicate.describe("getNativeConnection",
					(target) -> target.getName().equals("getNativeConnection"))))
			.because("support.LettuceCommands is the one accessor of Lettuce's commands")
			.check(core);
	}

	@Test
	void onlySupportSendsLua() {
		noClasses().that()
			.resideOutsideOfPackage(BASE + "support..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("io.lettuce.core.ScriptOutputType")
			.because("support.ScriptRunner is the one way to run a script")
			.check(core);
	}

}

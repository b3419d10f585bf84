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

package dev.slotwise.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import com.jayway.jsonpath.JsonPath;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property in the configuration metadata the build generates is documented in
 * {@code docs/configuration.md}, with its default, so the reference cannot drift.
 */
class ConfigurationDocumentationTests {

	private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

	@Test
	void everyPropertyIsDocumentedWithItsDefaultAndADescription() throws IOException {
		List<Map.Entry<String, String>> properties = properties();
		assertThat(properties).isNotEmpty();
		String reference = Files.readString(REFERENCE);
		List<String> problems = new ArrayList<>();
		for (Map.Entry<String, String> property : properties) {
			String row = reference.lines()
				.filter((line) -> line.startsWith("| `" + property.getKey() + "` |"))
				.findFirst()
				.orElse(null);
			if (row == null) {
				problems.add(property.getKey() + " has no row in " + REFERENCE);
			}
			else if (!row.contains("| `" + property.getValue() + "` |")) {
				problems.add(property.getKey() + " should show its default `" + property.getValue() + "`: " + row);
			}
		}
		assertThat(problems).isEmpty();
	}

	private static List<Map.Entry<String, String>> properties() throws IOException {
		List<Map.Entry<String, String>> properties = new ArrayList<>();
		try (InputStream metadata = ConfigurationDocumentationTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			List<Map<String, Object>> entries = JsonPath.read(metadata, "$.properties[*]");
			for (Map<String, Object> property : entries) {
				assertThat((String) property.get("description")).as("description of %s", property.get("name"))
					.isNotBlank();
				Object value = property.get("defaultValue");
				String shown = (value == null || (value instanceof List<?> list && list.isEmpty())) ? "(empty)"
						: String.valueOf(value);
				properties.add(Map.entry((String) property.get("name"), shown));
			}
		}
		return properties;
	}

}

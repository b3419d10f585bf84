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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults the configuration metadata states (and {@code docs/configuration.md}
 * shows) are the defaults the properties classes really have. Those take theirs from
 * core's {@code DEFAULT_*} constants, which the metadata processor cannot read, so the
 * metadata states them in {@code additional-spring-configuration-metadata.json}: this
 * test keeps the two from drifting.
 */
class ConfigurationDefaultsTests {

	@Test
	void everyStatedDefaultIsTheValueAPropertyHasWhenUnset() throws Exception {
		List<String> problems = new ArrayList<>();
		int checked = 0;
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			List<Map<String, Object>> properties = JsonPath.read(metadata, "$.properties[*]");
			for (Map<String, Object> property : properties) {
				Object stated = property.get("defaultValue");
				String sourceType = (String) property.get("sourceType");
				if (stated == null || sourceType == null || stated instanceof List) {
					continue;
				}
				String name = (String) property.get("name");
				Class<?> top = ClassUtils.forName(sourceType.replaceAll("\\$.*", ""), getClass().getClassLoader());
				ConfigurationProperties annotation = top.getAnnotation(ConfigurationProperties.class);
				if (annotation == null) {
					// An endpoint's settings (management.endpoint.*), not a properties
					// class.
					continue;
				}
				String prefix = annotation.value();
				Object unset = top.getDeclaredConstructor().newInstance();
				Object bound = new Binder(new MapConfigurationPropertySource(Map.of(name, String.valueOf(stated))))
					.bindOrCreate(prefix, top);
				String path = camelCase(name.substring(prefix.length() + 1));
				Object expected = new BeanWrapperImpl(bound).getPropertyValue(path);
				Object actual = new BeanWrapperImpl(unset).getPropertyValue(path);
				if (!String.valueOf(expected).equals(String.valueOf(actual))) {
					problems.add(name + ": the metadata states " + stated + " but the default is " + actual);
				}
				checked++;
			}
		}
		assertThat(problems).isEmpty();
		assertThat(checked).as("defaults checked").isGreaterThan(20);
	}

	private static String camelCase(String dashed) {
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : dashed.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

}

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

package dev.slotwise.autoconfigure.key;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.key.HashTagKeyGenerator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.cache.interceptor.SimpleKeyGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link ClusterKeysAutoConfiguration}; no Redis needed.
 */
class ClusterKeysAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterKeysAutoConfiguration.class));

	@Test
	void providesClusterKeysAndTheHashTagKeyGeneratorUnderItsName() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ClusterKeys.class);
			assertThat(context).hasBean(HashTagKeyGenerator.BEAN_NAME);
			assertThat(context.getBean(HashTagKeyGenerator.BEAN_NAME)).isInstanceOf(HashTagKeyGenerator.class);
		});
	}

	@Test
	void anApplicationKeyGeneratorOfTheSameNameReplacesIt() {
		this.runner.withUserConfiguration(OwnKeyGenerator.class).run((context) -> {
			assertThat(context.getBean(HashTagKeyGenerator.BEAN_NAME)).isInstanceOf(SimpleKeyGenerator.class);
			assertThat(context).doesNotHaveBean(HashTagKeyGenerator.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnKeyGenerator {

		@Bean(HashTagKeyGenerator.BEAN_NAME)
		KeyGenerator ownKeyGenerator() {
			return new SimpleKeyGenerator();
		}

	}

}

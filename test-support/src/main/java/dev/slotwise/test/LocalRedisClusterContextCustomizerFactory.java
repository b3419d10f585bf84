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

package dev.slotwise.test;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Points a Spring test context of a {@link LocalRedisClusterTest} class at its cluster by
 * adding {@link RedisCluster#springProperties()} (among them
 * {@code spring.data.redis.cluster.nodes}) ahead of every other property source.
 */
class LocalRedisClusterContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		LocalRedisClusterTest settings = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				LocalRedisClusterTest.class);
		if (settings == null) {
			return null;
		}
		Class<?> declaring = LocalRedisClusterExtension.declaringClass(testClass);
		return new ClusterPropertiesCustomizer(
				ClusterRegistry.key(declaring, declaring.getAnnotation(LocalRedisClusterTest.class)));
	}

	private record ClusterPropertiesCustomizer(ClusterRegistry.Key key) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			Map<String, Object> properties = Map.copyOf(ClusterRegistry.obtain(this.key).springProperties());
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("slotwiseLocalRedisCluster", properties));
		}

	}

}

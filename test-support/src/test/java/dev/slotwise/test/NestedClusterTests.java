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

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Nested} classes share the cluster of the class that declares
 * {@link LocalRedisClusterTest}.
 */
@LocalRedisClusterTest
class NestedClusterTests {

	@Test
	void outerGetsTheCluster(LocalRedisCluster cluster) {
		assertThat(cluster.masters()).hasSize(3);
	}

	@Nested
	class Inner {

		@Test
		void innerGetsTheSameCluster(LocalRedisCluster cluster, RedisCluster same) {
			assertThat(cluster).isSameAs(same);
			assertThat(cluster.masters()).hasSize(3);
		}

	}

}

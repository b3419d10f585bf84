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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The clusters {@link LocalRedisClusterTest} classes use, shared between the JUnit
 * extension and the Spring test wiring so that both see the same cluster.
 */
final class ClusterRegistry {

	private static final Map<Key, LocalRedisCluster> clusters = new ConcurrentHashMap<>();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ClusterRegistry::closeAll, "slotwise-cluster-registry"));
	}

	private ClusterRegistry() {
	}

	static Key key(Class<?> declaringClass, LocalRedisClusterTest settings) {
		Class<?> owner = (settings.lifecycle() == LocalRedisClusterTest.Lifecycle.CLASS) ? declaringClass : null;
		return new Key(owner, settings.masters(), settings.replicasPerMaster(), settings.nodeTimeoutMillis(),
				List.of(settings.config()), settings.networkFaults());
	}

	static LocalRedisCluster obtain(Key key) {
		return clusters.computeIfAbsent(key,
				(k) -> LocalRedisCluster.builder()
					.masters(k.masters())
					.replicasPerMaster(k.replicasPerMaster())
					.nodeTimeout(Duration.ofMillis(k.nodeTimeoutMillis()))
					.config(k.config().toArray(String[]::new))
					.networkFaults(k.networkFaults())
					.start());
	}

	static void release(Key key) {
		if (key.owner() != null) {
			LocalRedisCluster cluster = clusters.remove(key);
			if (cluster != null) {
				cluster.close();
			}
		}
	}

	private static void closeAll() {
		clusters.values().forEach(LocalRedisCluster::close);
		clusters.clear();
	}

	/**
	 * Which cluster: settings, and the owning class for class-scoped clusters.
	 */
	record Key(@Nullable Class<?> owner, int masters, int replicasPerMaster, long nodeTimeoutMillis,
			List<String> config, boolean networkFaults) {
	}

}

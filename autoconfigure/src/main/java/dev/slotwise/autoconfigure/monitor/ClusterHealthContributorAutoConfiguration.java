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

package dev.slotwise.autoconfigure.monitor;

import dev.slotwise.monitor.ClusterMonitor;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code redisCluster} health indicator
 * ({@code management.health.redis-cluster.enabled}).
 */
@AutoConfiguration(after = ClusterMonitorAutoConfiguration.class)
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnBean(ClusterMonitor.class)
@ConditionalOnEnabledHealthIndicator("redis-cluster")
public final class ClusterHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "redisClusterHealthIndicator")
	ClusterHealthIndicator redisClusterHealthIndicator(ClusterMonitor monitor) {
		return new ClusterHealthIndicator(monitor);
	}

}

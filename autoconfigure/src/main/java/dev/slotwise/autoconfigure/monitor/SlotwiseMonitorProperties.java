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

import java.time.Duration;

import dev.slotwise.monitor.ClusterMonitor;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Cluster monitoring, under {@code slotwise.monitor}.
 */
@ConfigurationProperties("slotwise.monitor")
public class SlotwiseMonitorProperties {

	/**
	 * Whether a background thread watches cluster state, replication lag and failovers.
	 */
	private boolean enabled = true;

	/**
	 * How often the cluster is polled (CLUSTER NODES, CLUSTER INFO, INFO replication of
	 * every master). Slots of masters the cluster flags failing fail fast from the next
	 * poll on.
	 */
	private Duration interval = ClusterMonitor.Settings.DEFAULT_INTERVAL;

	/**
	 * How long a poll waits for one node's answer: CLUSTER NODES and CLUSTER INFO of the
	 * node it asks (then it asks another), and each master's INFO replication.
	 */
	private Duration nodeTimeout = ClusterMonitor.Settings.DEFAULT_NODE_TIMEOUT;

	private final ReplicationLag replicationLag = new ReplicationLag();

	private final Endpoint endpoint = new Endpoint();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public Duration getNodeTimeout() {
		return this.nodeTimeout;
	}

	public void setNodeTimeout(Duration nodeTimeout) {
		this.nodeTimeout = nodeTimeout;
	}

	public ReplicationLag getReplicationLag() {
		return this.replicationLag;
	}

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	/**
	 * When a replica counts as lagging.
	 */
	public static class ReplicationLag {

		/**
		 * A replica further behind its master than this many bytes of the replication
		 * stream is lagging.
		 */
		private DataSize maxBytes = DataSize.ofBytes(ClusterMonitor.Settings.DEFAULT_MAX_LAG_BYTES);

		/**
		 * A replica that has not acknowledged its master for longer than this is lagging.
		 */
		private Duration maxAckAge = ClusterMonitor.Settings.DEFAULT_MAX_ACK_AGE;

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

		public Duration getMaxAckAge() {
			return this.maxAckAge;
		}

		public void setMaxAckAge(Duration maxAckAge) {
			this.maxAckAge = maxAckAge;
		}

	}

	/**
	 * The {@code slotwise} actuator endpoint.
	 */
	public static class Endpoint {

		/**
		 * Whether the endpoint's write operation may execute a resharding plan (migrate
		 * slots live). Off by default; secure the endpoint like any actuator write
		 * operation before turning it on.
		 */
		private boolean reshardEnabled;

		/**
		 * Most slots a resharding plan moves.
		 */
		private int maxPlanSteps = 16;

		public boolean isReshardEnabled() {
			return this.reshardEnabled;
		}

		public void setReshardEnabled(boolean reshardEnabled) {
			this.reshardEnabled = reshardEnabled;
		}

		public int getMaxPlanSteps() {
			return this.maxPlanSteps;
		}

		public void setMaxPlanSteps(int maxPlanSteps) {
			this.maxPlanSteps = maxPlanSteps;
		}

	}

}

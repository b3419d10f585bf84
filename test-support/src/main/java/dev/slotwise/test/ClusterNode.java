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

/**
 * One node of a test cluster, as a client reaches it.
 *
 * @param name a stable, human-readable name ({@code node-0}, {@code node-1}, ...)
 * @param host the host a client connects to
 * @param port the port a client connects to
 * @param id the Redis Cluster node id (stable across restarts)
 */
public record ClusterNode(String name, String host, int port, String id) {

	/**
	 * The address a client connects to.
	 * @return {@code host:port}
	 */
	public String address() {
		return this.host + ":" + this.port;
	}

	@Override
	public String toString() {
		return this.name + "(" + address() + ")";
	}

}

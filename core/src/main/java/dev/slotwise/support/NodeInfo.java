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
package dev.slotwise.support;

import java.util.Properties;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.convert.Converters;

/**
 * The one way Slotwise reads a node's {@code INFO} and {@code CLUSTER INFO}: through
 * Spring Data Redis, which parses the reply into {@link Properties} (one entry per
 * {@code field:value} line, section headers left out).
 */
public final class NodeInfo {

	private NodeInfo() {
	}

	/**
	 * Read one section of a node's {@code INFO} with
	 * {@link org.springframework.data.redis.connection.RedisClusterServerCommands#info(RedisClusterNode, String)}.
	 * @param connection a cluster connection
	 * @param host the node's host, as the cluster announces it
	 * @param port the node's port
	 * @param section the section, for example {@code replication}
	 * @return the fields of the section
	 * @throws org.springframework.dao.DataAccessException if the node does not answer
	 * @throws IllegalArgumentException if the client does not know the node
	 */
	public static Properties read(RedisClusterConnection connection, String host, int port, String section) {
		return connection.serverCommands().info(new RedisClusterNode(host, port), section);
	}

	/**
	 * Parse an {@code INFO}-style reply read another way (such as {@code CLUSTER INFO}
	 * from one chosen node) as Spring Data parses {@code INFO}.
	 * @param reply the reply, {@code field:value} lines
	 * @return the fields
	 */
	public static Properties parse(String reply) {
		return Converters.toProperties(reply);
	}

	/**
	 * A numeric field.
	 * @param info the fields
	 * @param field the field's name
	 * @param fallback the value when the field is missing or not a whole number
	 * @return the value
	 */
	public static long number(Properties info, String field, long fallback) {
		return number(info.getProperty(field), fallback);
	}

	/**
	 * A whole number from a field's text.
	 * @param text the text, or {@code null}
	 * @param fallback the value when the text is missing or not a whole number
	 * @return the value
	 */
	public static long number(@Nullable String text, long fallback) {
		if (text == null) {
			return fallback;
		}
		try {
			return Long.parseLong(text.trim());
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

}

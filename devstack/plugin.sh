#!/bin/bash
# devstack plugin: installs manila-lite and runs its three services with
# Keystone auth, devstack's RabbitMQ and database, and fake backends.

function install_manila_lite {
    setup_develop $MANILA_LITE_DIR
}

function configure_manila_lite {
    sudo install -d -o $STACK_USER $MANILA_LITE_CONF_DIR $MANILA_LITE_STATE_PATH
    iniset $MANILA_LITE_CONF DEFAULT state_path $MANILA_LITE_STATE_PATH
    iniset $MANILA_LITE_CONF DEFAULT osapi_share_listen $SERVICE_LISTEN_ADDRESS
    iniset $MANILA_LITE_CONF DEFAULT osapi_share_listen_port $MANILA_LITE_SERVICE_PORT
    iniset $MANILA_LITE_CONF DEFAULT auth_strategy keystone
    iniset $MANILA_LITE_CONF DEFAULT default_share_type default
    iniset $MANILA_LITE_CONF DEFAULT enabled_share_backends $MANILA_LITE_BACKENDS
    iniset_rpc_backend manila-lite $MANILA_LITE_CONF
    iniset $MANILA_LITE_CONF database connection `database_connection_url manila_lite`
    configure_keystone_authtoken_middleware $MANILA_LITE_CONF manila
    local backend
    for backend in ${MANILA_LITE_BACKENDS//,/ }; do
        iniset $MANILA_LITE_CONF $backend share_driver fake
        iniset $MANILA_LITE_CONF $backend share_backend_name $backend
    done
}

function create_manila_lite_accounts {
    create_service_user manila
    get_or_create_service "manila-lite" "sharev2" "Shared File Systems (manila-lite)"
    get_or_create_endpoint "sharev2" "$REGION_NAME" \
        "$SERVICE_PROTOCOL://$SERVICE_HOST:$MANILA_LITE_SERVICE_PORT/v2"
}

function init_manila_lite {
    recreate_database manila_lite
    $MANILA_LITE_BIN_DIR/manila-lite-manage --config-file $MANILA_LITE_CONF db sync
}

function start_manila_lite {
    run_process manila-lite-api "$MANILA_LITE_BIN_DIR/manila-lite-api --config-file $MANILA_LITE_CONF"
    run_process manila-lite-scheduler "$MANILA_LITE_BIN_DIR/manila-lite-scheduler --config-file $MANILA_LITE_CONF"
    run_process manila-lite-share "$MANILA_LITE_BIN_DIR/manila-lite-share --config-file $MANILA_LITE_CONF"
}

function create_default_share_type {
    openstack share type create default False || true
}

MANILA_LITE_BIN_DIR=$(get_python_exec_prefix)

if [[ "$1" == "stack" && "$2" == "install" ]]; then
    install_manila_lite
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    configure_manila_lite
    create_manila_lite_accounts
    init_manila_lite
elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
    start_manila_lite
    create_default_share_type
fi

if [[ "$1" == "unstack" ]]; then
    stop_process manila-lite-api
    stop_process manila-lite-scheduler
    stop_process manila-lite-share
fi

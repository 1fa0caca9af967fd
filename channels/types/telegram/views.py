from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from channels.types.telegram.type import TYPE
from channels.webhooks import receive


@csrf_exempt
@require_POST
def webhook(request):
    return receive(request, TYPE)
